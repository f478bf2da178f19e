"""Flag risky clauses in long supply contracts by sliding a small BERT encoder
over overlapping token windows and keeping the strongest window per risk type."""
import os
import tempfile

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

RISK_TYPES = ["unlimited_liability", "auto_renewal", "unilateral_termination", "exclusive_jurisdiction"]

LEGAL_WORDS = """shall party parties agreement supplier buyer goods delivery term terminate termination
notice days written breach liability limited unlimited damages indemnify confidential information payment
invoice within thirty sixty ninety law governed courts jurisdiction exclusive dispute arbitration force
majeure event warranty represent obligations hereunder herein thereof any all not be to of the and or in
by for on with such this that is are may without prior consent assign renew automatically successive
period year years unless either other its each under cap total amount paid fees"""

CLAUSES = [
    "The supplier shall deliver the goods within thirty days of written notice by the buyer.",
    "This agreement shall renew automatically for successive periods of one year unless either party gives notice.",
    "The buyer may terminate this agreement without prior notice and without any liability to the supplier.",
    "The liability of the supplier under this agreement is not limited and shall not be subject to any cap.",
    "All invoices are payable within sixty days and fees paid are not refundable under any term.",
    "This agreement is governed by the law of the buyer and the courts of the buyer have exclusive jurisdiction.",
    "Each party shall keep confidential all information received under this agreement for five years.",
    "Neither party may assign this agreement without the prior written consent of the other party.",
]
CONTRACT = " ".join(CLAUSES[i % len(CLAUSES)] for i in range(23))


def write_vocab(workdir):
    path = os.path.join(workdir, "legal_vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = sorted(set(LEGAL_WORDS.split()))
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words + [".", ",", "one", "five", "neither", "refundable",
                                                "payable", "invoices", "received", "keep", "gives",
                                                "periods", "subject", "have", "deliver"]) + "\n")
    return path


class ClauseRiskScorer(nn.Module):
    def __init__(self, cfg, n_risk):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(cfg.hidden_size, n_risk)

    def forward(self, window_ids, window_mask):
        states = self.encoder(input_ids=window_ids, attention_mask=window_mask).last_hidden_state
        return self.head(states[:, 0])


def slide_over_contract(token_ids, chunk_tokens, overlap, cls_id, sep_id):
    step = chunk_tokens - overlap
    windows = []
    start = 0
    while True:
        body = token_ids[start:start + chunk_tokens]
        windows.append({"first_tok": start, "last_tok": start + len(body), "ids": [cls_id] + body + [sep_id]})
        if start + chunk_tokens >= len(token_ids):
            break
        start += step
    return windows


def pad_windows(windows, pad_id):
    widest = max(len(w["ids"]) for w in windows)
    batch = torch.full((len(windows), widest), pad_id, dtype=torch.long)
    keep = torch.zeros_like(batch)
    for row, w in enumerate(windows):
        batch[row, :len(w["ids"])] = torch.tensor(w["ids"])
        keep[row, :len(w["ids"])] = 1
    return batch, keep


def main():
    workdir = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(workdir))
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    scorer = ClauseRiskScorer(cfg, n_risk=len(RISK_TYPES)).eval()

    enc = tokenizer(CONTRACT, add_special_tokens=False, return_offsets_mapping=True)
    contract_ids, char_spans = enc["input_ids"], enc["offset_mapping"]
    print(f"contract: {len(CONTRACT)} chars, {len(contract_ids)} tokens")

    chunk_tokens = cfg.max_position_embeddings
    overlap = 16
    windows = slide_over_contract(contract_ids, chunk_tokens, overlap,
                                  tokenizer.cls_token_id, tokenizer.sep_token_id)
    window_ids, window_mask = pad_windows(windows, tokenizer.pad_token_id)
    print(f"{len(windows)} windows of up to {window_ids.size(1)} tokens")

    with torch.no_grad():
        risk_probs = torch.sigmoid(scorer(window_ids, window_mask))

    doc_scores, best_window = risk_probs.max(dim=0)
    for k, risk in enumerate(RISK_TYPES):
        w = windows[best_window[k].item()]
        char_lo = char_spans[w["first_tok"]][0]
        char_hi = char_spans[w["last_tok"] - 1][1]
        excerpt = CONTRACT[char_lo:char_hi]
        print(f"{risk:24s} p={doc_scores[k].item():.3f}  window chars {char_lo}-{char_hi}: {excerpt[:60]}...")


if __name__ == "__main__":
    main()
