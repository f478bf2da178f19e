"""Hierarchical document encoder: encode each sentence, then pool sentences into a doc vector.

Documents arrive as a list of 1-D id tensors, one per sentence.
"""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(0)


class HierDocEncoder(nn.Module):
    def __init__(self, vocab_size=600, dim=32, pad_id=0):
        super().__init__()
        self.pad_id = pad_id
        self.word_emb = nn.Embedding(vocab_size, dim, padding_idx=pad_id)
        self.sent_rnn = nn.LSTM(dim, dim, batch_first=True)
        self.doc_attn = nn.Linear(dim, 1)

    def forward(self, sentence_ids):
        tokens = torch.stack(sentence_ids)
        states, _ = self.sent_rnn(self.word_emb(tokens))
        not_pad = (tokens != self.pad_id).unsqueeze(-1)
        sent_vecs = (states * not_pad).sum(1) / not_pad.sum(1)
        weights = torch.softmax(self.doc_attn(sent_vecs), dim=0)
        return (weights * sent_vecs).sum(0)


def split_sentences(doc_ids, period_id=5):
    sents, cur = [], []
    for tok in doc_ids:
        cur.append(tok)
        if tok == period_id:
            sents.append(torch.tensor(cur))
            cur = []
    return sents


doc = [12, 44, 87, 5, 301, 9, 5, 77, 78, 79, 80, 81, 5]
encoder = HierDocEncoder()
with torch.no_grad():
    doc_vec = encoder(split_sentences(doc))
print("document vector dim:", doc_vec.numel())
