"""Build camt.053.001.08 statements for tests, as a French bank would send them."""

from __future__ import annotations

from marketplace.payments.camt import build_camt053


def entry(entry_id: str, cents: int, reference: str = "", *, structured: bool = True, direction: str = "CRDT",
          payer: str = "ACHETEUR SAS", booked: str = "2026-11-30", currency: str = "EUR") -> str:
    remittance = (f"<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{reference}</Ref>"
                  f"</CdtrRefInf></Strd>" if structured else f"<Ustrd>{reference}</Ustrd>")
    return f"""
    <Ntry>
      <NtryRef>{entry_id}-n</NtryRef>
      <Amt Ccy="{currency}">{cents // 100}.{cents % 100:02d}</Amt>
      <CdtDbtInd>{direction}</CdtDbtInd>
      <Sts><Cd>BOOK</Cd></Sts>
      <BookgDt><Dt>{booked}</Dt></BookgDt>
      <ValDt><Dt>{booked}</Dt></ValDt>
      <AcctSvcrRef>{entry_id}</AcctSvcrRef>
      <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
      <NtryDtls><TxDtls>
        <RltdPties><Dbtr><Pty><Nm>{payer}</Nm></Pty></Dbtr></RltdPties>
        <RmtInf>{remittance}</RmtInf>
      </TxDtls></NtryDtls>
    </Ntry>"""


def statement(*entries: str, statement_id: str = "STMT-2026-11-30") -> bytes:
    return build_camt053(list(entries), "FR7630004000100000001235490", statement_id)
