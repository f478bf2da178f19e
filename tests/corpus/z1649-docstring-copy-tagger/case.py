"""Docstring generation for small Python functions with an auxiliary copy tagger.

A BERT2BERT model (wider encoder, narrow decoder) writes a one-line docstring from
function source. Next to the LM loss, a token tagger on the encoder states predicts
which source identifiers also appear in the docstring; this helps the decoder copy names.
"""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertTokenizer, EncoderDecoderConfig, EncoderDecoderModel

torch.manual_seed(11)

FUNCTIONS = [
    ("def area ( width , height ) : return width * height", "return the area from width and height"),
    ("def is_even ( n ) : return n % 2 == 0", "check whether n is even"),
    ("def greet ( name ) : return hello + name", "build a greeting for name"),
    ("def clamp ( x , low , high ) : return max ( low , min ( x , high ) )", "clamp x between low and high"),
    ("def mean ( values ) : return sum ( values ) / len ( values )", "return the mean of values"),
    ("def first ( items ) : return items [ 0 ]", "return the first of items"),
]

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def write_vocab(folder):
    words = sorted({w for code, doc in FUNCTIONS for w in (code + " " + doc).split()})
    path = os.path.join(folder, "code_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIAL + words) + "\n")
    return path


class DocstringWriter(nn.Module):
    def __init__(self, seq2seq, num_tags=2):
        super().__init__()
        self.seq2seq = seq2seq
        tag_width = seq2seq.config.decoder.hidden_size
        self.copy_tagger = nn.Sequential(nn.Dropout(0.1), nn.Linear(tag_width, num_tags))
        self.tag_loss = nn.CrossEntropyLoss(ignore_index=-100)

    def forward(self, code_ids, code_mask, doc_labels, copy_tags):
        out = self.seq2seq(input_ids=code_ids, attention_mask=code_mask, labels=doc_labels)
        tag_logits = self.copy_tagger(out.encoder_last_hidden_state)
        aux = self.tag_loss(tag_logits.view(-1, tag_logits.size(-1)), copy_tags.view(-1))
        return out.loss + 0.5 * aux, out.loss.detach(), aux.detach()


def make_batch(tokenizer, pairs):
    codes = [c for c, _ in pairs]
    docs = [d for _, d in pairs]
    code_enc = tokenizer(codes, padding=True, return_tensors="pt")
    doc_enc = tokenizer(docs, padding=True, return_tensors="pt")
    doc_labels = doc_enc["input_ids"].masked_fill(doc_enc["attention_mask"] == 0, -100)

    copy_tags = torch.full_like(code_enc["input_ids"], -100)
    for row, doc in enumerate(docs):
        doc_words = set(doc.split())
        for col, tok_id in enumerate(code_enc["input_ids"][row].tolist()):
            if code_enc["attention_mask"][row, col] == 0 or tok_id in tokenizer.all_special_ids:
                continue
            copy_tags[row, col] = int(tokenizer.convert_ids_to_tokens(tok_id) in doc_words)
    return code_enc["input_ids"], code_enc["attention_mask"], doc_labels, copy_tags


def build_model(tokenizer):
    common = dict(vocab_size=tokenizer.vocab_size, num_hidden_layers=1, num_attention_heads=2,
                  max_position_embeddings=64, pad_token_id=tokenizer.pad_token_id)
    encoder_cfg = BertConfig(hidden_size=48, intermediate_size=96, **common)
    decoder_cfg = BertConfig(hidden_size=32, intermediate_size=64, is_decoder=True,
                             add_cross_attention=True, **common)
    config = EncoderDecoderConfig.from_encoder_decoder_configs(encoder_cfg, decoder_cfg)
    config.decoder_start_token_id = tokenizer.cls_token_id
    config.pad_token_id = tokenizer.pad_token_id
    config.eos_token_id = tokenizer.sep_token_id
    return EncoderDecoderModel(config=config)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = BertTokenizer(write_vocab(tmp), do_lower_case=False)
        writer = DocstringWriter(build_model(tokenizer))
        optim = torch.optim.AdamW(writer.parameters(), lr=2e-3)

        writer.train()
        for epoch in range(1):
            for start in range(0, len(FUNCTIONS), 3):
                batch = make_batch(tokenizer, FUNCTIONS[start:start + 3])
                loss, lm_loss, tag_loss = writer(*batch)
                loss.backward()
                optim.step()
                optim.zero_grad()
            print(f"epoch {epoch}: lm {lm_loss.item():.3f} copy {tag_loss.item():.3f}")

        writer.eval()
        code_ids, code_mask, _, _ = make_batch(tokenizer, FUNCTIONS[:2])
        with torch.no_grad():
            generated = writer.seq2seq.generate(input_ids=code_ids, attention_mask=code_mask,
                                                max_new_tokens=10, num_beams=1)
        for (code, _), ids in zip(FUNCTIONS, generated):
            print(code.split(":")[0], "->", tokenizer.decode(ids, skip_special_tokens=True))


if __name__ == "__main__":
    main()
